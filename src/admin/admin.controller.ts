import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, Principal } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { AdminService } from './admin.service';
import { toAdminStatsDto, toAdminUserDetailDto, toAdminUserDto, toReconcileRunDto } from './dto/admin-dto.mapper';
import { UuidParams } from '../common/http/uuid-params';
import { ListUsersQueryDto, UpdateUserDto } from './dto/admin-requests.dto';
import { AdminStatsDto, AdminUserDetailDto, AdminUserPageDto, ReconcileRunDto } from './dto/admin-responses.dto';

const DEFAULT_PAGE = 20;

/** Administrators only: metadata about users and the system, account changes, maintenance. */
@ApiTags('admin')
@Authenticated('admin')
@ApiErrors([400, 'VALIDATION_FAILED'], [403, 'FORBIDDEN (not an administrator)'])
@Controller('api/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  @ApiOkResponse({ type: AdminUserPageDto })
  async listUsers(@Query() query: ListUsersQueryDto): Promise<AdminUserPageDto> {
    const page = await this.admin.listUsers(query.query ?? '', query.limit ?? DEFAULT_PAGE, query.cursor);
    return { items: page.items.map(toAdminUserDto), nextCursor: page.nextCursor };
  }

  @Get('users/:id')
  @UuidParams('id')
  @ApiOkResponse({ type: AdminUserDetailDto })
  @ApiErrors([404, 'USER_NOT_FOUND'])
  async getUser(@Param('id') id: string): Promise<AdminUserDetailDto> {
    return toAdminUserDetailDto(await this.admin.getUser(id));
  }

  @Patch('users/:id')
  @UuidParams('id')
  @ApiOkResponse({ type: AdminUserDetailDto, description: 'the user after the change; the change is in the audit log' })
  @ApiErrors([404, 'USER_NOT_FOUND'], [409, 'CANNOT_CHANGE_OWN_ACCESS'])
  async updateUser(
    @CurrentUser() actor: Principal,
    @Param('id') id: string,
    @Body() body: UpdateUserDto,
  ): Promise<AdminUserDetailDto> {
    const user = await this.admin.updateUser(actor, id, {
      ...(body.tierOverride !== undefined ? { tierOverride: body.tierOverride } : {}),
      ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
      ...(body.role !== undefined ? { role: body.role } : {}),
    });
    return toAdminUserDetailDto(user);
  }

  @Get('stats')
  @ApiOkResponse({ type: AdminStatsDto })
  async stats(): Promise<AdminStatsDto> {
    return toAdminStatsDto(await this.admin.stats());
  }

  @Post('storage/reconcile')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ReconcileRunDto, description: 'queued; GET /api/admin/stats shows its report once done' })
  @ApiErrors([503, 'SERVICE_UNAVAILABLE (job queue down)'])
  async reconcile(@CurrentUser() actor: Principal): Promise<ReconcileRunDto> {
    return toReconcileRunDto(await this.admin.requestReconcile(actor));
  }
}
